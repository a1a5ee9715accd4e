/* netfault.bpf.c - a tc (clsact) BPF classifier for the reliability suite's link faults: drops
 * LOSS_PCT percent of the IPv4 packets that pass (only TCP to or from PORT when PORT is not 0).
 * 100 makes a silent peer. Built by lib/rel.sh at test time with clang -target bpf, one object per
 * setting (-DLOSS_PCT=N -DPORT=N); the kernel has no netem here, so this is the loss injector. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>

#ifndef LOSS_PCT
#define LOSS_PCT 100
#endif
#ifndef PORT
#define PORT 0
#endif

#define SEC(name) __attribute__((section(name), used))

static unsigned int (*bpf_get_prandom_u32)(void) = (void *)BPF_FUNC_get_prandom_u32;

static __attribute__((always_inline)) unsigned short be16(unsigned short v)
{
	return (unsigned short)((v >> 8) | (v << 8));
}

SEC("tc")
int netfault(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct tcphdr *tcp;

	if ((void *)(eth + 1) > end || eth->h_proto != be16(ETH_P_IP))
		return TC_ACT_OK;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return TC_ACT_OK;
	if (PORT != 0) {
		if (ip->protocol != IPPROTO_TCP || ip->ihl != 5)
			return TC_ACT_OK;
		tcp = (void *)(ip + 1);
		if ((void *)(tcp + 1) > end)
			return TC_ACT_OK;
		if (tcp->source != be16(PORT) && tcp->dest != be16(PORT))
			return TC_ACT_OK;
	}
	if (LOSS_PCT >= 100 || bpf_get_prandom_u32() % 100u < (unsigned int)LOSS_PCT)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
