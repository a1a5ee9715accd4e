# Locates mbedTLS (2.28 as Debian 12 ships it, or 3.x) and defines MbedTLS::mbedtls,
# MbedTLS::mbedx509 and MbedTLS::mbedcrypto.
find_path(MBEDTLS_INCLUDE_DIR mbedtls/ssl.h)
find_library(MBEDTLS_LIBRARY mbedtls)
find_library(MBEDX509_LIBRARY mbedx509)
find_library(MBEDCRYPTO_LIBRARY mbedcrypto)
if(MBEDTLS_INCLUDE_DIR)
  foreach(f mbedtls/build_info.h mbedtls/version.h)
    if(EXISTS "${MBEDTLS_INCLUDE_DIR}/${f}")
      file(STRINGS "${MBEDTLS_INCLUDE_DIR}/${f}" _v REGEX "define MBEDTLS_VERSION_STRING ")
      if(_v)
        string(REGEX REPLACE ".*\"([0-9.]+)\".*" "\\1" MbedTLS_VERSION "${_v}")
      endif()
    endif()
  endforeach()
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MbedTLS
  REQUIRED_VARS MBEDTLS_LIBRARY MBEDX509_LIBRARY MBEDCRYPTO_LIBRARY MBEDTLS_INCLUDE_DIR
  VERSION_VAR MbedTLS_VERSION
  FAIL_MESSAGE "mbedTLS not found: install the Debian package libmbedtls-dev")
if(MbedTLS_FOUND AND NOT TARGET MbedTLS::mbedcrypto)
  add_library(MbedTLS::mbedcrypto UNKNOWN IMPORTED)
  set_target_properties(MbedTLS::mbedcrypto PROPERTIES IMPORTED_LOCATION "${MBEDCRYPTO_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${MBEDTLS_INCLUDE_DIR}")
  add_library(MbedTLS::mbedx509 UNKNOWN IMPORTED)
  set_target_properties(MbedTLS::mbedx509 PROPERTIES IMPORTED_LOCATION "${MBEDX509_LIBRARY}"
    INTERFACE_LINK_LIBRARIES MbedTLS::mbedcrypto)
  add_library(MbedTLS::mbedtls UNKNOWN IMPORTED)
  set_target_properties(MbedTLS::mbedtls PROPERTIES IMPORTED_LOCATION "${MBEDTLS_LIBRARY}"
    INTERFACE_LINK_LIBRARIES MbedTLS::mbedx509)
endif()
