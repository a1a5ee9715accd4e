# The only place outside platform/ that knows the operating system: it names the folder of
# platform/ whose files implement the plat_* interface for this build.
if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  set(SSTP_PLATFORM_DIR linux)
elseif(CMAKE_SYSTEM_NAME STREQUAL "Windows")
  set(SSTP_PLATFORM_DIR windows)
  # POSIX header names the shared code uses (arpa/inet.h, a 2-argument mkdir...), mapped to
  # their Windows equivalents by the headers of platform/windows/compat/
  include_directories(BEFORE ${CMAKE_SOURCE_DIR}/platform/windows/compat)
elseif(CMAKE_SYSTEM_NAME STREQUAL "Darwin")
  set(SSTP_PLATFORM_DIR macos)
else()
  message(FATAL_ERROR "sstp: no platform layer for ${CMAKE_SYSTEM_NAME} yet (see platform/)")
endif()
