# arch/x86_64/cmake/x86_64.cmake - building for bare-metal x86-64 with the host compiler.
#
# The host g++ can produce freestanding x86-64 code; what makes it "bare metal" is flags:
# no hosted library, no red zone (an interrupt would overwrite it), no SSE in the kernel
# (user SSE state is saved on task switches instead), no PIC, no stack protector, static.
#
# The same file serves two places: the Harbor tree (arch/x86_64, tests/qemu...) and an
# installed Harbor, where cmake --install puts it in <prefix>/lib/cmake/Harbor and
# HarborConfig.cmake includes it after setting HARBOR_X86_64_INSTALLED_DIR
# (<prefix>/lib/harbor/x86_64: the archives, start.o, the linker scripts, the libc headers).
# Only the "where things are" block below differs.
#
# harbor_x86_64_reset_flags()    forget the build's global flags (a sanitizer preset's
#                                -fsanitize=... must not reach a kernel) in this directory
# harbor_add_boot_program(NAME SOURCES...)
#                                a ring-3 program image: ${HARBOR_X86_64_IMAGE_DIR}/NAME, target
#                                harbor_x86_64_program_NAME; C sources see Harbor's libc
#                                headers only (userland/runtime/x86_64/include)
# harbor_add_boot_image(IMAGE PROGRAMS prog...)
#                                kernel + programs -> IMAGE.elf (boot it: harbor-qemu IMAGE.elf);
#                                the first program is also "init"; a PROGRAMS entry that is a
#                                source file (hello.c) is made a program of its own name first
# harbor_x86_64_program(NAME SOURCES...)   the Harbor tree's: harbor_add_boot_program + -Werror
# harbor_x86_64_image(TARGET PROGRAMS names...)   kernel + programs -> TARGET.elf, TARGET.elf64
#                                (for gdb), TARGET.gdb (gdb script: kernel + init symbols)

# Programs every boot image carries besides its own, for boot.cc to start by name: the name
# server (userland/programs/names.c; kernel/kernel.h "name-service-bootstrap").
set(HARBOR_X86_64_SYSTEM_PROGRAMS names)

# Where things are.
if(DEFINED HARBOR_X86_64_INSTALLED_DIR)  # an installed Harbor (HarborConfig.cmake)
  set(_dir ${HARBOR_X86_64_INSTALLED_DIR})
  set(HARBOR_X86_64_KERNEL_LD ${_dir}/linker.ld)
  set(HARBOR_X86_64_USER_LD ${_dir}/user.ld)
  set(HARBOR_X86_64_LIBC_INCLUDE ${_dir}/include)
  set(HARBOR_X86_64_START ${_dir}/start.o)
  set(HARBOR_X86_64_USER_LIBS ${_dir}/libharbor_user_x86_64.a Harbor::abi)
  # The kernel and its machine call each other: one group, searched until nothing is missing.
  set(HARBOR_X86_64_KERNEL_LIBS -Wl,--start-group ${_dir}/libharbor_arch_x86_64.a
      ${_dir}/libharbor_kernel_x86_64.a -Wl,--end-group)
  set(HARBOR_X86_64_SYSTEM_IMAGE_DIR ${_dir}/images)  # prebuilt system programs
  unset(_dir)
else()  # the Harbor tree
  enable_language(ASM)  # in every directory that includes this file: language state is per directory
  set(HARBOR_X86_64_KERNEL_LD ${CMAKE_CURRENT_LIST_DIR}/../linker.ld)
  set(HARBOR_X86_64_USER_LD ${CMAKE_CURRENT_LIST_DIR}/../../../userland/runtime/x86_64/user.ld)
  set(HARBOR_X86_64_LIBC_INCLUDE ${CMAKE_CURRENT_LIST_DIR}/../../../userland/runtime/x86_64/include)
  set(HARBOR_X86_64_START $<TARGET_OBJECTS:harbor_user_x86_64_start>)
  set(HARBOR_X86_64_USER_LIBS harbor_user_x86_64)
  set(HARBOR_X86_64_KERNEL_LIBS harbor_arch_x86_64 harbor_kernel_x86_64)
  set(HARBOR_X86_64_SYSTEM_IMAGE_DIR "")  # built here, like every other program
endif()
set(HARBOR_X86_64_DIR ${CMAKE_CURRENT_LIST_DIR}/..)
set(HARBOR_X86_64_IMAGE_DIR ${CMAKE_BINARY_DIR}/x86_64/images)

set(HARBOR_X86_64_KERNEL_FLAGS -ffreestanding -fno-exceptions -fno-rtti -fno-pic -fno-pie
    -mno-red-zone -mgeneral-regs-only -mcmodel=small -fno-stack-protector
    -fno-asynchronous-unwind-tables -fno-threadsafe-statics -fno-omit-frame-pointer
    -fno-sanitize=all -O2 -g)
set(HARBOR_X86_64_USER_FLAGS -ffreestanding -fno-pic -fno-pie -fno-stack-protector
    -fno-asynchronous-unwind-tables -fno-sanitize=all -O2 -g
    $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti -fno-threadsafe-statics>)
# -fno-sanitize=all: a project's global -fsanitize=... link flag would pull in a hosted
# sanitizer runtime.
set(HARBOR_X86_64_LINK_FLAGS -nostdlib -static -no-pie -fno-sanitize=all -Wl,--build-id=none
    -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack)

# C programs see Harbor's libc headers, then the compiler's own (float.h, stdalign.h,
# intrinsics), and nothing of the host's: a function the bare-metal libc lacks is a compile
# error, not a link error. (C++ programs keep the compiler's freestanding C++ headers.)
set(_harbor_cc_include "")
if(CMAKE_C_COMPILER)
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                  OUTPUT_VARIABLE _harbor_cc_include OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()
set(HARBOR_X86_64_C_PROGRAM_FLAGS -nostdinc -isystem${HARBOR_X86_64_LIBC_INCLUDE}
    -Werror=implicit-function-declaration)
if(IS_DIRECTORY "${_harbor_cc_include}")
  list(APPEND HARBOR_X86_64_C_PROGRAM_FLAGS -isystem${_harbor_cc_include})
endif()
unset(_harbor_cc_include)

macro(harbor_x86_64_reset_flags)
  foreach(lang C CXX ASM)
    set(CMAKE_${lang}_FLAGS "")
    foreach(config DEBUG RELEASE RELWITHDEBINFO MINSIZEREL)
      set(CMAKE_${lang}_FLAGS_${config} "")
    endforeach()
  endforeach()
  set(CMAKE_EXE_LINKER_FLAGS "")
  foreach(config DEBUG RELEASE RELWITHDEBINFO MINSIZEREL)
    set(CMAKE_EXE_LINKER_FLAGS_${config} "")
  endforeach()
endmacro()

function(harbor_add_boot_program name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES AND NOT ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "harbor_add_boot_program(${name}): no SOURCES (the C files of its main)")
  endif()
  set(target harbor_x86_64_program_${name})
  add_executable(${target} ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS} ${HARBOR_X86_64_START})
  target_link_libraries(${target} PRIVATE ${HARBOR_X86_64_USER_LIBS})
  target_compile_options(${target} PRIVATE ${HARBOR_X86_64_USER_FLAGS} -Wall -Wextra
                         "$<$<COMPILE_LANGUAGE:C>:${HARBOR_X86_64_C_PROGRAM_FLAGS}>")
  target_link_options(${target} PRIVATE ${HARBOR_X86_64_LINK_FLAGS} -T ${HARBOR_X86_64_USER_LD})
  target_link_libraries(${target} PRIVATE gcc)
  set_target_properties(${target} PROPERTIES OUTPUT_NAME ${name}
                        RUNTIME_OUTPUT_DIRECTORY ${HARBOR_X86_64_IMAGE_DIR}
                        LINK_DEPENDS ${HARBOR_X86_64_USER_LD})
endfunction()

function(harbor_x86_64_program name)
  harbor_add_boot_program(${name} SOURCES ${ARGN})
  target_compile_options(harbor_x86_64_program_${name} PRIVATE -Werror)
endfunction()

# The file of program `name` and the target that builds it (none for a prebuilt system
# program of an installed Harbor).
function(_harbor_x86_64_program_file name file_var target_var)
  set(target harbor_x86_64_program_${name})
  if(HARBOR_X86_64_SYSTEM_IMAGE_DIR AND NOT TARGET ${target}
     AND EXISTS ${HARBOR_X86_64_SYSTEM_IMAGE_DIR}/${name})
    set(${file_var} ${HARBOR_X86_64_SYSTEM_IMAGE_DIR}/${name} PARENT_SCOPE)
    set(${target_var} "" PARENT_SCOPE)
  else()
    set(${file_var} ${HARBOR_X86_64_IMAGE_DIR}/${name} PARENT_SCOPE)
    set(${target_var} ${target} PARENT_SCOPE)
  endif()
endfunction()

# The boot image: the kernel with `PROGRAMS` built in (TARGET_images.c: .incbin of each ELF
# file in the .images section; loader.cc finds them by name). Produces TARGET.elf64 (for
# gdb), TARGET.elf (elf32-i386, what QEMU's multiboot loader takes) and TARGET.gdb.
# INIT names the program that is also built in as "init" (boot.cc starts "init").
function(harbor_x86_64_image target)
  cmake_parse_arguments(ARG "" "INIT" "PROGRAMS" ${ARGN})
  set(programs ${HARBOR_X86_64_SYSTEM_PROGRAMS} ${ARG_PROGRAMS})
  list(REMOVE_DUPLICATES programs)
  # The table: one row per name (INIT's image has two: its own name and "init").
  set(rows "")
  set(blobs "")
  set(files "")
  set(i 0)
  foreach(p ${programs})
    _harbor_x86_64_program_file(${p} file program_target)
    list(APPEND files ${file})
    if(program_target)
      list(APPEND program_targets ${program_target})
    endif()
    string(APPEND rows "  \".quad name_${i}, start_${i}, end_${i}\\n\"\n")
    string(APPEND blobs "  \"name_${i}: .asciz \\\"${p}\\\"\\n\"\n")
    if(ARG_INIT STREQUAL p AND NOT p STREQUAL "init")
      string(APPEND rows "  \".quad name_init, start_${i}, end_${i}\\n\"\n")
      string(APPEND blobs "  \"name_init: .asciz \\\"init\\\"\\n\"\n")
    endif()
    string(APPEND blobs "  \".balign 16\\nstart_${i}: .incbin \\\"${file}\\\"\\nend_${i}:\\n\"\n")
    if(p STREQUAL ARG_INIT)
      set(init_file ${file})
    elseif(p STREQUAL "init" AND NOT ARG_INIT)
      set(init_file ${file})
    endif()
    math(EXPR i "${i} + 1")
  endforeach()
  # C with a top-level asm block (not a .S file): an outside project that enables only C can
  # build an image.
  set(c "/* generated by harbor_x86_64_image(${target}): the built-in program images */\n")
  string(APPEND c "__asm__(\n  \".pushsection .images, \\\"a\\\"\\n\"\n  \".balign 8\\n\"\n")
  string(APPEND c "  \".global harbor_images\\nharbor_images:\\n\"\n${rows}")
  string(APPEND c "  \".quad 0, 0, 0\\n\"\n${blobs}  \".popsection\\n\");\n")
  set(source ${CMAKE_CURRENT_BINARY_DIR}/${target}_images.c)
  file(WRITE ${source}.in "${c}")
  configure_file(${source}.in ${source} COPYONLY)
  set_source_files_properties(${source} PROPERTIES OBJECT_DEPENDS "${files}")

  add_executable(${target} ${source})
  if(program_targets)
    add_dependencies(${target} ${program_targets})
  endif()
  target_compile_options(${target} PRIVATE -fno-sanitize=all)
  target_link_libraries(${target} PRIVATE ${HARBOR_X86_64_KERNEL_LIBS} gcc)
  target_link_options(${target} PRIVATE ${HARBOR_X86_64_LINK_FLAGS} -T ${HARBOR_X86_64_KERNEL_LD})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME ${target}.elf64
                        LINK_DEPENDS ${HARBOR_X86_64_KERNEL_LD})
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_OBJCOPY} -O elf32-i386 $<TARGET_FILE:${target}>
            $<TARGET_FILE_DIR:${target}>/${target}.elf
    COMMENT "Multiboot image ${target}.elf (elf32-i386)")
  # gdb -x TARGET.gdb: the kernel's symbols and init's (every program is linked at 1 GiB, so
  # only one program's symbols can be loaded at a time). harbor-qemu --gdb prints the line.
  set(gdb "file $<TARGET_FILE:${target}>\n")
  if(init_file)
    string(APPEND gdb "add-symbol-file ${init_file}\n")
  endif()
  file(GENERATE OUTPUT $<TARGET_FILE_DIR:${target}>/${target}.gdb CONTENT "${gdb}")
endfunction()

# For outside projects: programs by name (made with harbor_add_boot_program) or by source
# file; the first is init.
function(harbor_add_boot_image image)
  cmake_parse_arguments(ARG "" "" "PROGRAMS" ${ARGN})
  if(NOT ARG_PROGRAMS)
    message(FATAL_ERROR "harbor_add_boot_image(${image}): PROGRAMS lists no program")
  endif()
  set(names "")
  foreach(p ${ARG_PROGRAMS})
    if(p MATCHES "\\.(c|cc|cpp|cxx|S)$")
      get_filename_component(name ${p} NAME_WE)
      if(NOT TARGET harbor_x86_64_program_${name})
        harbor_add_boot_program(${name} SOURCES ${p})
      endif()
      list(APPEND names ${name})
    elseif(TARGET harbor_x86_64_program_${p})
      list(APPEND names ${p})
    else()
      message(FATAL_ERROR "harbor_add_boot_image(${image}): no program \"${p}\": make it "
                          "with harbor_add_boot_program(${p} SOURCES ...) first, or list "
                          "a source file (${p}.c)")
    endif()
  endforeach()
  list(GET names 0 init)
  harbor_x86_64_image(${image} INIT ${init} PROGRAMS ${names})
endfunction()
