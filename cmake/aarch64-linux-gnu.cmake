# Cross-compiling Wisp for AArch64 Linux on another host with Debian's cross toolchain
# (g++-aarch64-linux-gnu) and the arm64 builds of the libraries through multiarch
# (scripts/setup-aarch64.sh installs both). The binaries run under qemu-user:
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Libraries and CMake packages of the target only: the arm64 multiarch directories.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
# Test binaries run through the emulator, with the multiarch arm64 libraries in /: the cross
# toolchain's own glibc (libc6-arm64-cross 2.36-8) hangs in pthread_create under qemu 7.2.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64;-L;/)
