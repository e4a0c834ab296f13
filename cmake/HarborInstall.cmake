# cmake/HarborInstall.cmake - `cmake --install` rules that make find_package(Harbor CONFIG)
# work for programs outside this tree (SPEC 4: "An out-of-tree user program builds with
# find_package(Harbor CONFIG) and the Harbor::user target, and runs under harbor-emu").
#
#   <prefix>/include/harbor/...                    the ABI and runtime headers
#   <prefix>/lib/libharbor_user.a                  Harbor::user
#   <prefix>/lib/libharbor_testing.a               Harbor::testing (with the hosted machine and
#   <prefix>/include/harbor/testing.hpp            the kernel inside; needs GoogleTest)
#   <prefix>/lib/cmake/Harbor/HarborConfig.cmake   (+ Version, + Targets)
#   <prefix>/bin/harbor-emu                        installed by emulator/CMakeLists.txt
#   <prefix>/libexec/harbor/examples/...           installed by userland/examples/
# and, when this build has the x86-64 target (bare metal for everyone, SPEC 10):
#   <prefix>/bin/harbor-qemu                       boots an image, exits with its verdict
#   <prefix>/lib/harbor/x86_64/lib*.a              the kernel, its machine, the user runtime
#   <prefix>/lib/harbor/x86_64/start.o             _start of every program
#   <prefix>/lib/harbor/x86_64/{linker,user}.ld    the kernel's and the programs' link scripts
#   <prefix>/lib/harbor/x86_64/include/            the bare-metal libc's headers
#   <prefix>/lib/harbor/x86_64/images/             system programs every image carries
#   <prefix>/lib/cmake/Harbor/HarborX86_64.cmake   arch/x86_64/cmake/x86_64.cmake:
#                                                  harbor_add_boot_program, harbor_add_boot_image
#
# Included from emulator/CMakeLists.txt, after harbor_user exists.
include(CMakePackageConfigHelpers)

if(NOT TARGET harbor_user OR NOT TARGET harbor_abi)
  return()
endif()

set(HARBOR_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Harbor)

# The targets, as Harbor::user and Harbor::abi (and what harbor_user links publicly).
set(HARBOR_EXPORTED harbor_user harbor_abi)
set_target_properties(harbor_user PROPERTIES EXPORT_NAME user)
set_target_properties(harbor_abi PROPERTIES EXPORT_NAME abi)
if(TARGET harbor_strerror)
  set_target_properties(harbor_strerror PROPERTIES EXPORT_NAME strerror)
  list(APPEND HARBOR_EXPORTED harbor_strerror)
endif()
# Harbor::testing (userland/testing): one archive, so nothing else of the machine is exported.
set(HARBOR_HAS_TESTING OFF)
if(TARGET harbor_testing)
  set(HARBOR_HAS_TESTING ON)
  set_target_properties(harbor_testing PROPERTIES EXPORT_NAME testing)
  list(APPEND HARBOR_EXPORTED harbor_testing)
  install(FILES ${PROJECT_SOURCE_DIR}/userland/testing/include/harbor/testing.hpp
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/harbor)
endif()
install(TARGETS ${HARBOR_EXPORTED} EXPORT HarborTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/userland/include/harbor
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT HarborTargets NAMESPACE Harbor:: DESTINATION ${HARBOR_CMAKE_INSTALL_DIR})

# Bare metal: what harbor_add_boot_image links, as files (not exported targets: the kernel
# is no library for others to link, and its archives are all HarborX86_64.cmake needs).
set(HARBOR_HAS_X86_64 OFF)
set(HARBOR_X86_64_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/harbor/x86_64)
if(TARGET harbor_user_x86_64 AND TARGET harbor_kernel_x86_64)
  set(HARBOR_HAS_X86_64 ON)
  include(${PROJECT_SOURCE_DIR}/arch/x86_64/cmake/x86_64.cmake)  # HARBOR_X86_64_SYSTEM_PROGRAMS
  install(FILES $<TARGET_FILE:harbor_user_x86_64> $<TARGET_FILE:harbor_arch_x86_64>
                $<TARGET_FILE:harbor_kernel_x86_64>
                ${PROJECT_SOURCE_DIR}/arch/x86_64/linker.ld
                ${PROJECT_SOURCE_DIR}/userland/runtime/x86_64/user.ld
          DESTINATION ${HARBOR_X86_64_INSTALL_DIR})
  install(FILES $<TARGET_OBJECTS:harbor_user_x86_64_start> DESTINATION ${HARBOR_X86_64_INSTALL_DIR}
          RENAME start.o)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/userland/runtime/x86_64/include/
          DESTINATION ${HARBOR_X86_64_INSTALL_DIR}/include)
  foreach(p ${HARBOR_X86_64_SYSTEM_PROGRAMS})
    install(FILES $<TARGET_FILE:harbor_x86_64_program_${p}>
            DESTINATION ${HARBOR_X86_64_INSTALL_DIR}/images)
  endforeach()
  install(FILES ${PROJECT_SOURCE_DIR}/arch/x86_64/cmake/x86_64.cmake
          DESTINATION ${HARBOR_CMAKE_INSTALL_DIR} RENAME HarborX86_64.cmake)
  install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/harbor-qemu DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/HarborConfig.cmake.in
  ${CMAKE_BINARY_DIR}/cmake/HarborConfig.cmake
  INSTALL_DESTINATION ${HARBOR_CMAKE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_BINDIR HARBOR_X86_64_INSTALL_DIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/cmake/HarborConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/cmake/HarborConfig.cmake
              ${CMAKE_BINARY_DIR}/cmake/HarborConfigVersion.cmake
  DESTINATION ${HARBOR_CMAKE_INSTALL_DIR})

# hbidl, the interface compiler (docs/rpc.md): the script and its modules in
# <prefix>/libexec/harbor/hbidl/, a link <prefix>/bin/hbidl, and HarborIdl.cmake
# (harbor_add_interface) next to HarborConfig.cmake, which includes it.
set(HARBOR_IDL_INSTALL_DIR ${CMAKE_INSTALL_LIBEXECDIR}/harbor/hbidl)
file(GLOB _harbor_idl_modules ${PROJECT_SOURCE_DIR}/userland/hbidl/hbidl_*.py)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/userland/hbidl/hbidl DESTINATION ${HARBOR_IDL_INSTALL_DIR})
install(FILES ${_harbor_idl_modules} DESTINATION ${HARBOR_IDL_INSTALL_DIR})
install(CODE "file(MAKE_DIRECTORY \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
  file(CREATE_LINK ../${HARBOR_IDL_INSTALL_DIR}/hbidl
       \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/hbidl\" SYMBOLIC)")
install(FILES ${PROJECT_SOURCE_DIR}/cmake/HarborIdl.cmake DESTINATION ${HARBOR_CMAKE_INSTALL_DIR})
