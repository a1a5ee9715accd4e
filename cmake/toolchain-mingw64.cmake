# Cross toolchain for Windows x86-64 with Debian's mingw-w64 (gcc-mingw-w64-x86-64), used by
# tests/windows/build.sh. The Windows builds of the dependencies (mbedTLS, curl, expat, libzip,
# zlib, libmspack, cmocka) live in a prefix the script builds: -DSSTP_WIN_DEPS=DIR or the
# environment variable SSTP_WIN_DEPS. Test executables run through wine64 (ctest uses it).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(SSTP_MINGW_TRIPLE x86_64-w64-mingw32)

# The win32 thread model (the platform code uses Win32 threads); only clock_gettime comes from
# winpthreads, linked statically below.
find_program(SSTP_MINGW_GCC NAMES ${SSTP_MINGW_TRIPLE}-gcc-win32 ${SSTP_MINGW_TRIPLE}-gcc)
if(NOT SSTP_MINGW_GCC)
  message(FATAL_ERROR "sstp: ${SSTP_MINGW_TRIPLE}-gcc not found: install the Debian package "
                      "gcc-mingw-w64-x86-64 (or run .ci/deps-debian.sh as root)")
endif()
set(CMAKE_C_COMPILER ${SSTP_MINGW_GCC})
set(CMAKE_RC_COMPILER ${SSTP_MINGW_TRIPLE}-windres)
# Windows 10 APIs (GetTickCount64, CancelIoEx, the IP Helper *2 functions, SetInterfaceDnsSettings
# looked up at run time) and a C99/POSIX-conforming printf family (%zu, %llu).
# gmtime_r/localtime_r, and a 64-bit off_t as libmspack's build has (its self-test compares).
set(CMAKE_C_FLAGS_INIT "-D_WIN32_WINNT=0x0A00 -DWINVER=0x0A00 -D__USE_MINGW_ANSI_STDIO=1")
string(APPEND CMAKE_C_FLAGS_INIT " -D_POSIX_THREAD_SAFE_FUNCTIONS=200112L -D_FILE_OFFSET_BITS=64")
# GCC checks format(printf) attributes against msvcrt's printf on this target, which rejects %zu
# although __USE_MINGW_ANSI_STDIO's printf implements it: format checking is left to the Linux
# build (-Wno-format goes after the project's warning options, hence the rule).
set(CMAKE_C_COMPILE_OBJECT
    "<CMAKE_C_COMPILER> <DEFINES> <INCLUDES> <FLAGS> -Wno-format -Wno-format-security -o <OBJECT> -c <SOURCE>")
set(CMAKE_AR ${SSTP_MINGW_TRIPLE}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${SSTP_MINGW_TRIPLE}-ranlib CACHE FILEPATH "")

if(NOT SSTP_WIN_DEPS AND DEFINED ENV{SSTP_WIN_DEPS})
  set(SSTP_WIN_DEPS $ENV{SSTP_WIN_DEPS})
endif()
# try_compile projects read this file again: hand them the prefix too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES SSTP_WIN_DEPS)

set(CMAKE_FIND_ROOT_PATH /usr/${SSTP_MINGW_TRIPLE} ${SSTP_WIN_DEPS})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config: only the prefix's .pc files (never the build machine's), static link lines.
if(SSTP_WIN_DEPS)
  set(ENV{PKG_CONFIG_LIBDIR} ${SSTP_WIN_DEPS}/lib/pkgconfig)
  set(ENV{PKG_CONFIG_PATH} "")
  set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
endif()
set(PKG_CONFIG_ARGN --static CACHE STRING "pkg-config arguments (static libraries)")

# Everything is linked statically (one sstp.exe, no DLLs to carry into Wine or onto a machine)
# against the system DLLs the libraries and platform/windows/ use (libssp: -fstack-protector-strong
# and _FORTIFY_SOURCE from cmake/Warnings.cmake).
# mbedTLS again at the end: libcurl.a needs it after CMake has de-duplicated the link line.
set(_sstp_std_libs "-lws2_32 -liphlpapi -lbcrypt -lcrypt32 -lncrypt -ladvapi32 -lshell32 -luser32")
string(APPEND _sstp_std_libs " -lkernel32 -lssp -lwinpthread") # clock_gettime, linked statically
if(SSTP_WIN_DEPS)
  set(_sstp_std_libs "-L${SSTP_WIN_DEPS}/lib -lmbedtls -lmbedx509 -lmbedcrypto ${_sstp_std_libs}")
endif()
# binmode.o: open()/fopen() default to binary mode, as POSIX code expects (no CRLF translation,
# no ^Z end of file).
string(APPEND _sstp_std_libs " /usr/${SSTP_MINGW_TRIPLE}/lib/binmode.o")
set(CMAKE_C_STANDARD_LIBRARIES "${_sstp_std_libs}" CACHE STRING "")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc")

# Tests run under Wine (Debian's wine64 installs the loader outside PATH).
find_program(SSTP_WINE NAMES wine64 wine PATHS /usr/lib/wine NO_CMAKE_FIND_ROOT_PATH)
if(SSTP_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${SSTP_WINE})
endif()
