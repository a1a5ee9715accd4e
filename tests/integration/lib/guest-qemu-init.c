/* /init of the initramfs that boots the rig's QEMU guest (built by guest.sh): loads the kernel
 * modules packed in /m (virtio, 9p, PPP, TUN; in file-name order, which is dependency order), mounts
 * the host's root read-only over virtio-9p (tag "hostroot"), gives it the guest's own /dev, makes
 * it the root and executes the program named by the kernel parameter guest_init= with the
 * environment the kernel gave (unknown KEY=VALUE parameters), as UML does with init=.
 * Static, no library beyond libc: the initramfs holds nothing else. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void die(const char *what)
{
    perror(what);
    fprintf(stderr, "guest-qemu-init: cannot boot the guest\n");
    sync();
    reboot(RB_POWER_OFF);
    _exit(1);
}

static void load_modules(void)
{
    struct dirent **names;
    int n = scandir("/m", &names, NULL, alphasort);
    if (n < 0)
        die("/m");
    for (int i = 0; i < n; i++) {
        char path[512];
        if (names[i]->d_name[0] != '.') {
            snprintf(path, sizeof(path), "/m/%s", names[i]->d_name);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) != 0)
                perror(path); /* a module built in or already loaded is not fatal */
            if (fd >= 0)
                close(fd);
        }
        free(names[i]);
    }
    free(names);
}

int main(void)
{
    const char *init = getenv("guest_init");
    if (init == NULL || init[0] != '/') {
        fprintf(stderr, "guest-qemu-init: no absolute guest_init= on the kernel command line\n");
        die("guest_init");
    }
    mkdir("/dev", 0755);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    load_modules();
    mkdir("/root", 0755);
    if (mount("hostroot", "/root", "9p", MS_RDONLY,
              "trans=virtio,version=9p2000.L,cache=loose,msize=262144") != 0)
        die("mount hostroot");
    if (mount("devtmpfs", "/root/dev", "devtmpfs", 0, NULL) != 0)
        die("mount /root/dev");
    if (chdir("/root") != 0 || mount(".", "/", NULL, MS_MOVE, NULL) != 0 || chroot(".") != 0 ||
        chdir("/") != 0)
        die("switch root");
    unsetenv("guest_init");
    char *argv[] = {(char *)init, NULL};
    execv(init, argv);
    die(init);
    return 1;
}
