/* paths.c - plat_paths.h on Windows: machine-wide state and profiles under the common application
 * data folder (%ProgramData%\sstp), a user's profiles under the roaming one (%APPDATA%\sstp),
 * and drive-letter and UNC paths counted as absolute. */
#include "plat_paths.h"
#include "plat_win.h"

#include <errno.h>
#include <shlobj.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* A shell folder (CSIDL_COMMON_APPDATA, CSIDL_APPDATA) as UTF-8 into out, else the environment
 * variable that usually names it: 0, or -ENOENT. The shell folder comes first: under Wine the
 * environment block a service gets names another ProgramData than a user's. */
static int known_dir(int csidl, const wchar_t *env, char *out, size_t len)
{
	wchar_t w[MAX_PATH];
	DWORD n;

	if (SHGetFolderPathW(NULL, csidl | CSIDL_FLAG_DONT_VERIFY, NULL, SHGFP_TYPE_CURRENT, w) ==
		    S_OK &&
	    plat_win_narrow(w, out, len) == 0 && out[0])
		return 0;
	n = GetEnvironmentVariableW(env, w, MAX_PATH);
	if (n == 0 || n >= MAX_PATH || plat_win_narrow(w, out, len) != 0 || !out[0])
		return -ENOENT;
	return 0;
}

/* %ProgramData%\sstp<suffix> into a static buffer chosen by the caller. */
static const char *program_data(char *buf, size_t len, const char *suffix)
{
	char base[MAX_PATH * 3];

	if (known_dir(CSIDL_COMMON_APPDATA, L"ProgramData", base, sizeof(base)) != 0)
		snprintf(base, sizeof(base), "C:\\ProgramData");
	snprintf(buf, len, "%s\\sstp%s", base, suffix);
	return buf;
}

const char *plat_default_state_dir(void)
{
	static char dir[MAX_PATH * 3 + 16];

	return program_data(dir, sizeof(dir), "");
}

const char *plat_default_backup_dir(void)
{
	return plat_default_state_dir(); /* survives a reboot already */
}

const char *plat_backup_dir_for(const char *backup_dir, const char *state_dir)
{
	return backup_dir ? backup_dir : state_dir ? state_dir : plat_default_backup_dir();
}

const char *plat_default_control_path(void)
{
	static char path[MAX_PATH * 3 + 16];

	return program_data(path, sizeof(path), "\\control");
}

const char *plat_default_system_dir(void)
{
	static char dir[MAX_PATH * 3 + 16];

	return program_data(dir, sizeof(dir), "\\profiles");
}

int plat_user_config_dir(char *out, size_t len)
{
	char base[MAX_PATH * 3];
	int n;

	if (known_dir(CSIDL_APPDATA, L"APPDATA", base, sizeof(base)) != 0)
		return -ENOENT;
	n = snprintf(out, len, "%s\\sstp", base);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool plat_path_is_absolute(const char *p)
{
	if (!p || !p[0])
		return false;
	if (p[0] == '/' || p[0] == '\\') /* rooted on the current drive, or UNC */
		return true;
	return ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) && p[1] == ':' &&
	       (p[2] == '\\' || p[2] == '/');
}

int plat_open_untrusted(const char *path, FILE **out, struct plat_file_owner *owner, char *why,
			size_t whylen)
{
	wchar_t w[MAX_PATH * 2];
	struct _stat64 st;
	DWORD attr;
	FILE *f;

	*out = NULL;
	if (plat_win_widen(path, w, sizeof(w) / sizeof(w[0])) != 0) {
		snprintf(why, whylen, "%s: the path is too long or not UTF-8", path);
		return -ENAMETOOLONG;
	}
	attr = GetFileAttributesW(w);
	if (attr == INVALID_FILE_ATTRIBUTES) {
		snprintf(why, whylen, "%s: no such file or not accessible", path);
		return -ENOENT;
	}
	if (attr & FILE_ATTRIBUTE_REPARSE_POINT) {
		snprintf(why, whylen, "%s is a symbolic link or junction; refused", path);
		return -ELOOP;
	}
	if (attr & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_DEVICE)) {
		snprintf(why, whylen, "%s is not a regular file; refused", path);
		return -EINVAL;
	}
	f = _wfopen(w, L"rN");
	if (!f) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (_fstat64(_fileno(f), &st) != 0 || !(st.st_mode & _S_IFREG)) {
		fclose(f);
		snprintf(why, whylen, "%s is not a regular file; refused", path);
		return -EINVAL;
	}
	owner->uid = 0;
	owner->mode = (unsigned)(st.st_mode & 0777);
	*out = f;
	return 0;
}
