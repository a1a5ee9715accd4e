/* svc.c - Windows side of plat_svc.h: groups are SIDs (looked up by name and kept in a small
 * table whose index is the "gid"), the control pipe's DACL gets the configured group, the state
 * directory a protected DACL (SYSTEM, Administrators, the group's read) checked after it is set,
 * there is no sd_notify (the service control manager is told by the service entry point
 * instead), and children whose output is captured through an overlapped pipe the loop can wait
 * on. */
#include "plat_proc.h"
#include "plat_svc.h"
#include "plat_win.h"
#include "plat_win_service.h"

#include <aclapi.h>
#include <errno.h>
#include <sddl.h>
#include <stdio.h>
#include <string.h>

#define MAX_GROUPS 8
#define GID_BASE 0x10000u

static char group_sids[MAX_GROUPS][192];

int plat_group_gid(const char *name, uint32_t *gid)
{
	wchar_t wname[256], dom[256];
	uint8_t sid[SECURITY_MAX_SID_SIZE];
	DWORD sl = sizeof(sid), dl = 256;
	SID_NAME_USE use;
	char *s = NULL;
	int r;

	if ((r = plat_win_widen(name, wname, 256)) < 0)
		return r;
	if (!LookupAccountNameW(NULL, wname, sid, &sl, dom, &dl, &use))
		return GetLastError() == ERROR_NONE_MAPPED ? -ENOENT : plat_win_errno(GetLastError());
	if (use != SidTypeGroup && use != SidTypeAlias && use != SidTypeWellKnownGroup)
		return -ENOENT;
	if (!ConvertSidToStringSidA(sid, &s))
		return plat_win_errno(GetLastError());
	for (uint32_t i = 0; i < MAX_GROUPS; i++) {
		if (group_sids[i][0] && strcmp(group_sids[i], s) != 0)
			continue;
		snprintf(group_sids[i], sizeof(group_sids[i]), "%s", s);
		LocalFree(s);
		*gid = GID_BASE + i;
		return 0;
	}
	LocalFree(s);
	return -ENOSPC;
}

static const char *gid_sid(uint32_t gid)
{
	if (gid < GID_BASE || gid >= GID_BASE + MAX_GROUPS || !group_sids[gid - GID_BASE][0])
		return NULL;
	return group_sids[gid - GID_BASE];
}

int plat_uid_in_group(uint32_t uid, uint32_t gid)
{
	if (!gid_sid(gid) || !plat_win_ctl_group_sid() ||
	    strcmp(gid_sid(gid), plat_win_ctl_group_sid()) != 0)
		return 0;
	return plat_win_peer_in_group(uid);
}

const char *plat_user_name(uint32_t uid, char *out, size_t len)
{
	if (uid == 0)
		snprintf(out, len, "an administrator");
	else
		snprintf(out, len, "user RID %u", (unsigned)uid);
	return out;
}

int plat_ctl_set_access(const char *path, uint32_t gid, unsigned mode)
{
	(void)path;
	(void)mode; /* the DACL replaces the mode: SYSTEM, Administrators, owner, group */
	if (gid == UINT32_MAX) {
		plat_win_ctl_set_group_sid(NULL);
		return 0;
	}
	if (!gid_sid(gid))
		return -EINVAL;
	plat_win_ctl_set_group_sid(gid_sid(gid));
	return plat_win_ctl_apply_access(path);
}

int plat_win_dir_sddl(const char *group_sid, char *out, size_t len)
{
	int n;

	if (group_sid && !plat_win_sid_string_ok(group_sid))
		return -EINVAL;
	/* 0x1200a9 = FILE_GENERIC_READ | FILE_EXECUTE: list, read, traverse */
	n = snprintf(out, len, "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)%s%s%s",
		     group_sid ? "(A;OICI;0x1200a9;;;" : "", group_sid ? group_sid : "",
		     group_sid ? ")" : "");
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

bool plat_win_dir_dacl_ok(const void *security_descriptor)
{
	const DWORD writes = FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA |
			     FILE_WRITE_ATTRIBUTES | FILE_DELETE_CHILD | DELETE | WRITE_DAC |
			     WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL;
	PSECURITY_DESCRIPTOR sd = (PSECURITY_DESCRIPTOR)security_descriptor;
	SECURITY_DESCRIPTOR_CONTROL ctl;
	BOOL present = FALSE, defaulted = FALSE;
	PACL acl = NULL;
	DWORD rev;

	if (!GetSecurityDescriptorControl(sd, &ctl, &rev) || !(ctl & SE_DACL_PROTECTED) ||
	    !GetSecurityDescriptorDacl(sd, &present, &acl, &defaulted) || !present || !acl)
		return false; /* a NULL DACL grants everyone everything */
	for (DWORD i = 0; i < acl->AceCount; i++) {
		ACCESS_ALLOWED_ACE *ace;

		if (!GetAce(acl, i, (void **)&ace))
			return false;
		if (ace->Header.AceType != ACCESS_ALLOWED_ACE_TYPE || !(ace->Mask & writes))
			continue; /* deny entries and read-only grants are harmless */
		if (!IsWellKnownSid(&ace->SidStart, WinLocalSystemSid) &&
		    !IsWellKnownSid(&ace->SidStart, WinBuiltinAdministratorsSid))
			return false;
	}
	return true;
}

/* sstp's folders under %ProgramData% get plat_win_dir_sddl's DACL (inherited by what is
 * below), then it is read back: a folder others may write to is never used. */
static int protect_dir(const wchar_t *w, uint32_t gid)
{
	PSECURITY_DESCRIPTOR want = NULL, got = NULL;
	BOOL present = FALSE, defaulted = FALSE;
	PACL dacl = NULL;
	char sddl[256];
	DWORD e;
	int r;

	if ((r = plat_win_dir_sddl(gid == UINT32_MAX ? NULL : gid_sid(gid), sddl, sizeof(sddl))) < 0)
		return r;
	if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1, &want,
								   NULL))
		return plat_win_errno(GetLastError());
	GetSecurityDescriptorDacl(want, &present, &dacl, &defaulted);
	e = SetNamedSecurityInfoW((wchar_t *)w, SE_FILE_OBJECT,
				  DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
				  NULL, NULL, dacl, NULL);
	LocalFree(want);
	if (e != ERROR_SUCCESS)
		return plat_win_errno(e);
	if (plat_win_under_wine())
		return 0; /* Wine reports file DACLs from Unix modes: nothing to read back */
	e = GetNamedSecurityInfoW(w, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, NULL,
				  NULL, &got);
	if (e != ERROR_SUCCESS)
		return plat_win_errno(e);
	r = plat_win_dir_dacl_ok(got) ? 0 : -EPERM;
	LocalFree(got);
	return r;
}

int plat_svc_prepare_dir(const char *path, uint32_t gid, unsigned mode)
{
	wchar_t w[MAX_PATH];
	DWORD a;
	int r;

	(void)mode; /* the DACL replaces the mode */
	if ((r = plat_win_widen(path, w, MAX_PATH)) < 0)
		return r;
	if (!CreateDirectoryW(w, NULL) && GetLastError() != ERROR_ALREADY_EXISTS)
		return plat_win_errno(GetLastError());
	a = GetFileAttributesW(w);
	if (a == INVALID_FILE_ATTRIBUTES)
		return plat_win_errno(GetLastError());
	if (!(a & FILE_ATTRIBUTE_DIRECTORY))
		return -ENOTDIR;
	if (a & FILE_ATTRIBUTE_REPARSE_POINT)
		return -ELOOP; /* never through a link */
	return protect_dir(w, gid);
}

int plat_svc_notify(const char *state)
{
	/* not systemd: the service entry point (service.c) reports to the SCM when there is one */
	return plat_win_service_notify(state);
}

void plat_svc_notify_keep(void)
{
	/* [helper] no $NOTIFY_SOCKET to keep from the children on Windows */
}

const char *plat_self_exe(void)
{
	static char path[MAX_PATH * 3];
	wchar_t w[MAX_PATH];
	DWORD n = GetModuleFileNameW(NULL, w, MAX_PATH);

	if (n == 0 || n >= MAX_PATH || plat_win_narrow(w, path, sizeof(path)) != 0)
		return "sstp.exe";
	return path;
}

/* An anonymous pipe holding input, closed for writing: its inheritable read end. */
static int input_pipe(const void *input, size_t len, HANDLE *rd_out)
{
	SECURITY_ATTRIBUTES inherit = { sizeof(inherit), NULL, TRUE };
	HANDLE rd, wr;
	DWORD done = 0;
	BOOL ok;

	if (len > PLAT_SPAWN_INPUT_MAX)
		return -E2BIG;
	if (!CreatePipe(&rd, &wr, &inherit, PLAT_SPAWN_INPUT_MAX))
		return plat_win_errno(GetLastError());
	SetHandleInformation(wr, HANDLE_FLAG_INHERIT, 0);
	ok = len == 0 || (WriteFile(wr, input, (DWORD)len, &done, NULL) && done == (DWORD)len);
	CloseHandle(wr);
	if (!ok) {
		CloseHandle(rd);
		return -EIO;
	}
	*rd_out = rd;
	return 0;
}

int plat_spawn_captured(char *const argv[], int *pid, int *out_fd)
{
	return plat_spawn_captured_input(argv, NULL, 0, pid, out_fd);
}

int plat_spawn_captured_input(char *const argv[], const void *input, size_t input_len, int *pid,
			      int *out_fd)
{
	static volatile LONG serial;
	wchar_t name[96];
	SECURITY_ATTRIBUTES inherit = { sizeof(inherit), NULL, TRUE };
	HANDLE rd, wr, nul, ev;
	int r, fd;

	/* an overlapped server end for us, an inheritable client end for the child */
	swprintf(name, 96, L"\\\\.\\pipe\\sstp-out-%lu-%ld", (unsigned long)GetCurrentProcessId(),
		 (long)InterlockedIncrement(&serial));
	rd = CreateNamedPipeW(name, PIPE_ACCESS_INBOUND | FILE_FLAG_OVERLAPPED |
					    FILE_FLAG_FIRST_PIPE_INSTANCE,
			      PIPE_TYPE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS, 1, 4096, 65536, 0,
			      NULL);
	if (rd == INVALID_HANDLE_VALUE)
		return plat_win_errno(GetLastError());
	wr = CreateFileW(name, GENERIC_WRITE, 0, &inherit, OPEN_EXISTING, 0, NULL);
	if (input) {
		nul = INVALID_HANDLE_VALUE;
		if (wr == INVALID_HANDLE_VALUE) {
			r = plat_win_errno(GetLastError());
			goto fail;
		}
		if ((r = input_pipe(input, input_len, &nul)) < 0)
			goto fail;
	} else {
		nul = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit,
				  OPEN_EXISTING, 0, NULL);
	}
	if (wr == INVALID_HANDLE_VALUE || nul == INVALID_HANDLE_VALUE) {
		r = plat_win_errno(GetLastError());
		goto fail;
	}
	r = plat_win_spawn_with(argv, nul, wr, wr, pid);
	CloseHandle(wr);
	CloseHandle(nul);
	wr = nul = INVALID_HANDLE_VALUE;
	if (r < 0)
		goto fail;
	ev = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (!ev || (fd = plat_wfd_new(PLAT_WFD_PIPE, rd, ev, false)) < 0) {
		if (ev)
			CloseHandle(ev);
		CloseHandle(rd);
		plat_terminate(*pid, true);
		return -EMFILE;
	}
	*out_fd = fd;
	return 0;
fail:
	if (wr != INVALID_HANDLE_VALUE)
		CloseHandle(wr);
	if (nul != INVALID_HANDLE_VALUE)
		CloseHandle(nul);
	CloseHandle(rd);
	return r;
}

int plat_terminate_group(int pid, bool force)
{
	return plat_terminate(pid, force);
}
