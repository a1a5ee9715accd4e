# One warning list for every target of the project.
set(SSTP_WARNINGS
  -Wall -Wextra -Wformat=2 -Wformat-security -Wshadow -Wstrict-prototypes
  -Wmissing-prototypes -Wpointer-arith -Wvla -Wundef -Wno-unused-parameter)
if(SSTP_WERROR)
  list(APPEND SSTP_WARNINGS -Werror)
endif()
add_compile_options(${SSTP_WARNINGS})
add_compile_definitions(_GNU_SOURCE)
# cmake/banned.h: sprintf, strcpy, strcat, sscanf, atoi and gets are compile errors
option(SSTP_BANNED "Force-include cmake/banned.h, which poisons the banned C functions" ON)
if(SSTP_BANNED AND CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
  add_compile_options("SHELL:-include ${CMAKE_SOURCE_DIR}/cmake/banned.h")
endif()
if(NOT SSTP_SANITIZE AND NOT SSTP_FUZZ)
  add_compile_options(-fstack-protector-strong)
  if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
    add_compile_definitions(_FORTIFY_SOURCE=2)
  endif()
endif()
