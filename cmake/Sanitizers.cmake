# SSTP_SANITIZE: ASan + UBSan for every target (CI runs the unit tests this way).
# SSTP_FUZZ: clang's libFuzzer with ASan + UBSan; fuzz targets link -fsanitize=fuzzer.
if(SSTP_SANITIZE OR SSTP_FUZZ)
  set(SSTP_SAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
      -fno-omit-frame-pointer -g)
  add_compile_options(${SSTP_SAN_FLAGS})
  add_link_options(${SSTP_SAN_FLAGS})
endif()
if(SSTP_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SSTP_FUZZ needs clang: configure with -DCMAKE_C_COMPILER=clang "
                        "(Debian packages clang and libclang-rt-14-dev)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_compile_definitions(SSTP_FUZZING=1)
endif()
