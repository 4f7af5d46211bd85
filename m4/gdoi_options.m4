# gdoi_options.m4 -- build switches: hardening, sanitizers, fuzzer, gcov,
# werror.  Every flag lands in GV_CFLAGS / GV_LDFLAGS, never in CFLAGS.
#
# Call order in configure.ac matters: GDOI_SANITIZERS, GDOI_FUZZER and
# GDOI_GCOV come before GDOI_HARDENING (which drops _FORTIFY_SOURCE in those
# builds), and GDOI_WERROR comes last (after every probe).

# --enable-sanitizers[=LIST]: -fsanitize=LIST (default address,undefined),
# no recovery, frame pointers kept.  Fails if the toolchain cannot link it.
AC_DEFUN([GDOI_SANITIZERS], [
  AC_ARG_ENABLE([sanitizers],
    [AS_HELP_STRING([--enable-sanitizers@<:@=LIST@:>@],
      [build with -fsanitize=LIST @<:@LIST=address,undefined@:>@])],
    [], [enable_sanitizers=no])
  AS_CASE([$enable_sanitizers],
    [no], [gdoi_sanitizers=no],
    [yes], [gdoi_sanitizers=address,undefined],
    [gdoi_sanitizers=$enable_sanitizers])
  AS_IF([test "x$gdoi_sanitizers" != xno], [
    gdoi_san_cflags="-fsanitize=$gdoi_sanitizers -fno-omit-frame-pointer -fno-sanitize-recover=all"
    GDOI_CHECK_CFLAG([$gdoi_san_cflags], [],
      [AC_MSG_ERROR([$CC does not accept $gdoi_san_cflags])])
    GDOI_CHECK_LDFLAG([-fsanitize=$gdoi_sanitizers], [],
      [AC_MSG_ERROR([cannot link with -fsanitize=$gdoi_sanitizers (missing runtime? gcc needs libasan/libubsan, clang needs libclang-rt-14-dev)])])
  ])
])

# --enable-fuzzer: libFuzzer harnesses (clang only).  Everything is built
# with -fsanitize=fuzzer-no-link; the harnesses link with FUZZER_LDFLAGS.
AC_DEFUN([GDOI_FUZZER], [
  AC_ARG_ENABLE([fuzzer],
    [AS_HELP_STRING([--enable-fuzzer],
      [build the libFuzzer harnesses in tests/fuzz (needs CC=clang)])],
    [], [enable_fuzzer=no])
  FUZZER_LDFLAGS=
  AS_IF([test "x$enable_fuzzer" != xno], [
    enable_fuzzer=yes
    AC_MSG_CHECKING([whether $CC is clang])
    AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [[
#ifndef __clang__
#error not clang
#endif
]])], [AC_MSG_RESULT([yes])],
      [AC_MSG_RESULT([no])
       AC_MSG_ERROR([--enable-fuzzer needs clang: configure CC=clang --enable-fuzzer])])
    GDOI_CHECK_CFLAG([-fsanitize=fuzzer-no-link], [],
      [AC_MSG_ERROR([$CC does not accept -fsanitize=fuzzer-no-link])])
    GV_LDFLAGS="$GV_LDFLAGS -fsanitize=fuzzer-no-link"
    AC_CACHE_CHECK([whether $CC links a libFuzzer harness], [gdoi_cv_libfuzzer], [
      gdoi_save_CFLAGS=$CFLAGS
      gdoi_save_LDFLAGS=$LDFLAGS
      CFLAGS="$CFLAGS $GV_CFLAGS"
      LDFLAGS="$LDFLAGS $GV_LDFLAGS -fsanitize=fuzzer"
      AC_LINK_IFELSE([AC_LANG_SOURCE([[
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return (size > 0 && data[0] == 0x2a) ? 0 : 0;
}
]])], [gdoi_cv_libfuzzer=yes], [gdoi_cv_libfuzzer=no])
      CFLAGS=$gdoi_save_CFLAGS
      LDFLAGS=$gdoi_save_LDFLAGS])
    AS_IF([test "x$gdoi_cv_libfuzzer" != xyes],
      [AC_MSG_ERROR([cannot link with -fsanitize=fuzzer (Debian package: libclang-rt-14-dev)])])
    FUZZER_LDFLAGS=-fsanitize=fuzzer
  ])
  AC_SUBST([FUZZER_LDFLAGS])
  AM_CONDITIONAL([ENABLE_FUZZER], [test "x$enable_fuzzer" = xyes])
])

# --enable-gcov: coverage instrumentation (--coverage).
AC_DEFUN([GDOI_GCOV], [
  AC_ARG_ENABLE([gcov],
    [AS_HELP_STRING([--enable-gcov], [build with coverage instrumentation])],
    [], [enable_gcov=no])
  AS_IF([test "x$enable_gcov" != xno], [
    enable_gcov=yes
    GDOI_CHECK_CFLAG([--coverage], [],
      [AC_MSG_ERROR([$CC does not accept --coverage])])
    GDOI_CHECK_LDFLAG([--coverage], [],
      [AC_MSG_ERROR([cannot link with --coverage])])
  ])
])

# --enable-hardening (default yes): stack protector, PIE, full RELRO, and
# _FORTIFY_SOURCE=2 when CFLAGS optimize (glibc warns without -O) and no
# sanitizer, fuzzer or gcov build is asked for (they work better without).
AC_DEFUN([GDOI_HARDENING], [
  AC_ARG_ENABLE([hardening],
    [AS_HELP_STRING([--disable-hardening],
      [no stack protector, PIE, RELRO or _FORTIFY_SOURCE @<:@default=enabled@:>@])],
    [], [enable_hardening=yes])
  gdoi_fortify=no
  AS_IF([test "x$enable_hardening" != xno], [
    enable_hardening=yes
    AC_CACHE_CHECK([whether CFLAGS optimize], [gdoi_cv_optimizing], [
      AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [[
#if !defined(__OPTIMIZE__)
#error not optimizing
#endif
]])], [gdoi_cv_optimizing=yes], [gdoi_cv_optimizing=no])])
    AS_IF([test "x$gdoi_cv_optimizing" = xyes && test "x$gdoi_sanitizers" = xno &&
           test "x$enable_fuzzer" = xno && test "x$enable_gcov" = xno], [
      GDOI_CHECK_CFLAG([-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2], [
        GV_CFLAGS="$GV_CFLAGS -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2"
        gdoi_fortify=yes])
    ])
    GDOI_CHECK_CFLAG([-fstack-protector-strong])
    GDOI_CHECK_CFLAG([-fPIE], [
      GV_CFLAGS="$GV_CFLAGS -fPIE"
      GDOI_CHECK_LDFLAG([-pie])])
    GDOI_CHECK_LDFLAG([-Wl,-z,relro,-z,now])
  ])
])

# --enable-werror: add -Werror to GV_CFLAGS (after every probe, so that
# configure's own test programs are not affected).
AC_DEFUN([GDOI_WERROR], [
  AC_ARG_ENABLE([werror],
    [AS_HELP_STRING([--enable-werror], [treat compiler warnings as errors])],
    [], [enable_werror=no])
  AS_IF([test "x$enable_werror" != xno], [
    enable_werror=yes
    GV_CFLAGS="$GV_CFLAGS -Werror"
  ])
])
