# harbor_add_kernel(NAME ARCH_INCLUDE_DIR): the portable kernel core compiled against one
# arch's <arch/...> headers. Same language flags for every arch (STYLE 4), so the hosted
# tests test the kernel that boots: C++20, no exceptions, no RTTI, warnings are errors.

file(GLOB HARBOR_KERNEL_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/kernel/*.cc
     ${PROJECT_SOURCE_DIR}/kernel/lib/*.cc)

set(HARBOR_KERNEL_FLAGS -fno-exceptions -fno-rtti -Wall -Wextra -Werror -Wshadow
    -Wnon-virtual-dtor -Wno-missing-field-initializers)

function(harbor_add_kernel name arch_include)
  add_library(${name} STATIC ${HARBOR_KERNEL_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR} ${arch_include})
  target_link_libraries(${name} PUBLIC harbor_abi)
  target_compile_options(${name} PRIVATE ${HARBOR_KERNEL_FLAGS})
endfunction()

# An object library that only has to compile: kernel/ with -ffreestanding.
function(harbor_add_freestanding_check name arch_include)
  add_library(${name} OBJECT ${HARBOR_KERNEL_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR} ${arch_include}
                             ${PROJECT_SOURCE_DIR}/userland/include)
  target_compile_options(${name} PRIVATE ${HARBOR_KERNEL_FLAGS} -ffreestanding -nostdlib
                         -fno-stack-protector -mno-red-zone -fno-sanitize=all)
endfunction()
