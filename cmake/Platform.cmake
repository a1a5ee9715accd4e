# The only place outside platform/ that knows the operating system: it names the folder of
# platform/ whose files implement the plat_* interface for this build.
if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  set(SSTP_PLATFORM_DIR linux)
elseif(CMAKE_SYSTEM_NAME STREQUAL "Windows")
  set(SSTP_PLATFORM_DIR windows)
elseif(CMAKE_SYSTEM_NAME STREQUAL "Darwin")
  set(SSTP_PLATFORM_DIR macos)
else()
  message(FATAL_ERROR "sstp: no platform layer for ${CMAKE_SYSTEM_NAME} yet (see platform/)")
endif()
