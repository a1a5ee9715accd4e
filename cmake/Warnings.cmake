# One warning list for every target of the project.
set(SSTP_WARNINGS
  -Wall -Wextra -Wformat=2 -Wformat-security -Wshadow -Wstrict-prototypes
  -Wmissing-prototypes -Wpointer-arith -Wvla -Wundef -Wno-unused-parameter)
if(SSTP_WERROR)
  list(APPEND SSTP_WARNINGS -Werror)
endif()
add_compile_options(${SSTP_WARNINGS})
add_compile_definitions(_GNU_SOURCE)
if(NOT SSTP_SANITIZE AND NOT SSTP_FUZZ)
  add_compile_options(-fstack-protector-strong)
  if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
    add_compile_definitions(_FORTIFY_SOURCE=2)
  endif()
endif()
