# Finds every library sstp links; each failure names the Debian package that provides it.
# .ci/deps-debian.sh installs all of them.
find_package(PkgConfig REQUIRED)

# sstp_require_pkg(<target-name> <pkg-config module> <debian package>)
# defines the imported target Sstp::<target-name>.
function(sstp_require_pkg name module debpkg)
  pkg_check_modules(SSTP_PC_${name} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT SSTP_PC_${name}_FOUND)
    message(FATAL_ERROR "sstp: ${module} not found: install the Debian package ${debpkg} "
                        "(or run .ci/deps-debian.sh as root)")
  endif()
  add_library(Sstp::${name} ALIAS PkgConfig::SSTP_PC_${name})
  message(STATUS "sstp: ${module} ${SSTP_PC_${name}_VERSION}")
endfunction()

find_package(MbedTLS REQUIRED)
message(STATUS "sstp: mbedTLS ${MbedTLS_VERSION}")
sstp_require_pkg(curl libcurl libcurl4-openssl-dev)
# Sstp::curl_api: what the code using libcurl links (client/common/pkg_curl.h). Where libcurl is
# a shared system library it is loaded at run time by the commands that need it (package
# downloads, HTTP proxies): only its headers here. Windows links its static libcurl
# (tests/windows/deps.sh).
if(SSTP_PLATFORM_DIR STREQUAL "windows")
  set(SSTP_CURL_DLOPEN OFF)
else()
  set(SSTP_CURL_DLOPEN ON)
endif()
add_library(sstp_curl_api INTERFACE)
if(SSTP_CURL_DLOPEN)
  target_include_directories(sstp_curl_api INTERFACE ${SSTP_PC_curl_INCLUDE_DIRS})
  target_compile_definitions(sstp_curl_api INTERFACE SSTP_CURL_DLOPEN=1)
  target_link_libraries(sstp_curl_api INTERFACE ${CMAKE_DL_LIBS})
else()
  target_link_libraries(sstp_curl_api INTERFACE Sstp::curl)
endif()
add_library(Sstp::curl_api ALIAS sstp_curl_api)
sstp_require_pkg(expat expat libexpat1-dev)
sstp_require_pkg(zip libzip libzip-dev)
# Sstp::zip_api: likewise libzip (client/pkg/pkg_ziplib.h), loaded by package import only: linked,
# it maps libcrypto, libbz2 and libz into every client (1.6 MiB of RSS).
add_library(sstp_zip_api INTERFACE)
if(SSTP_CURL_DLOPEN)
  target_include_directories(sstp_zip_api INTERFACE ${SSTP_PC_zip_INCLUDE_DIRS})
  target_compile_definitions(sstp_zip_api INTERFACE SSTP_ZIP_DLOPEN=1)
  target_link_libraries(sstp_zip_api INTERFACE ${CMAKE_DL_LIBS})
else()
  target_link_libraries(sstp_zip_api INTERFACE Sstp::zip)
endif()
add_library(Sstp::zip_api ALIAS sstp_zip_api)
sstp_require_pkg(mspack libmspack libmspack-dev)
if(SSTP_PLATFORM_DIR STREQUAL "linux")
  sstp_require_pkg(mnl libmnl libmnl-dev)
  sstp_require_pkg(nftables libnftables libnftables-dev) # the kill switch (platform/linux/killswitch.c)
  # sd-bus: logind's PrepareForSleep for the session (platform/linux/sleep.c)
  sstp_require_pkg(systemd libsystemd libsystemd-dev)
endif()
if(SSTP_TESTS)
  sstp_require_pkg(cmocka cmocka libcmocka-dev)
endif()

# ---- optional: sstp-tray (GTK 3 + libayatana-appindicator3); the tray is skipped without them ----
option(SSTP_TRAY "Build sstp-tray when GTK 3 and libayatana-appindicator3 are installed" ON)
if(SSTP_TRAY AND SSTP_PLATFORM_DIR STREQUAL "linux")
  pkg_check_modules(SSTP_PC_tray QUIET IMPORTED_TARGET GLOBAL gtk+-3.0 ayatana-appindicator3-0.1)
  if(SSTP_PC_tray_FOUND)
    add_library(Sstp::tray ALIAS PkgConfig::SSTP_PC_tray)
    message(STATUS "sstp: sstp-tray enabled (GTK 3, libayatana-appindicator3)")
  else()
    message(STATUS "sstp: sstp-tray not built: install libgtk-3-dev and "
                   "libayatana-appindicator3-dev to get it")
  endif()
elseif(SSTP_TRAY AND SSTP_PLATFORM_DIR STREQUAL "windows")
  # Windows: the notification area through the system's own DLLs (platform/windows/tray/, which
  # uses the backend's private plat_win.h); a GUI program, so no console window opens with it.
  add_library(sstp_tray_win INTERFACE)
  target_include_directories(sstp_tray_win INTERFACE ${PROJECT_SOURCE_DIR}/platform/windows)
  target_link_libraries(sstp_tray_win INTERFACE shell32 user32 gdi32)
  target_link_options(sstp_tray_win INTERFACE -mwindows)
  add_library(Sstp::tray ALIAS sstp_tray_win)
  message(STATUS "sstp: sstp-tray enabled (Windows notification area)")
endif()

# ---- optional: nm-sstp-service, the NetworkManager VPN plugin (libnm-dev); skipped without it ----
option(SSTP_NM "Build the NetworkManager VPN plugin when libnm is installed" ON)
if(SSTP_NM AND SSTP_PLATFORM_DIR STREQUAL "linux")
  pkg_check_modules(SSTP_PC_nm QUIET IMPORTED_TARGET GLOBAL libnm)
  if(SSTP_PC_nm_FOUND)
    add_library(Sstp::nm ALIAS PkgConfig::SSTP_PC_nm)
    message(STATUS "sstp: nm-sstp-service enabled (libnm ${SSTP_PC_nm_VERSION})")
  else()
    message(STATUS "sstp: nm-sstp-service not built: install libnm-dev to get it")
  endif()
endif()
