# gdoi_cflags.m4 -- probe compiler and linker flags before using them.
#
# Flags found here go into GV_CFLAGS / GV_LDFLAGS (AC_SUBST in configure.ac),
# never into the user's CFLAGS / LDFLAGS.
#
# GDOI_CHECK_CFLAG(FLAG, [ACTION-IF-OK], [ACTION-IF-NOT])
#   Compile an empty program with "-Werror FLAG" (so that a compiler which
#   only warns about an unknown flag, like clang, still says no).  An
#   empty or missing ACTION-IF-OK appends FLAG to GV_CFLAGS.
#
# GDOI_CHECK_LDFLAG(FLAG, [ACTION-IF-OK], [ACTION-IF-NOT])
#   Link an empty program with GV_CFLAGS and "GV_LDFLAGS FLAG".  An empty or
#   missing ACTION-IF-OK appends FLAG to GV_LDFLAGS.
#
# Results are cached per flag (gdoi_cv_cflag_* / gdoi_cv_ldflag_*).

AC_DEFUN([GDOI_CHECK_CFLAG], [
  AS_VAR_PUSHDEF([gdoi_var], [gdoi_cv_cflag_$1])
  AC_CACHE_CHECK([whether $CC accepts $1], [gdoi_var], [
    gdoi_save_CFLAGS=$CFLAGS
    CFLAGS="$CFLAGS -Werror $1"
    AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [[return 0;]])],
      [AS_VAR_SET([gdoi_var], [yes])], [AS_VAR_SET([gdoi_var], [no])])
    CFLAGS=$gdoi_save_CFLAGS])
  AS_VAR_IF([gdoi_var], [yes],
    [m4_default([$2], [GV_CFLAGS="$GV_CFLAGS $1"])], [$3])
  AS_VAR_POPDEF([gdoi_var])
])

AC_DEFUN([GDOI_CHECK_LDFLAG], [
  AS_VAR_PUSHDEF([gdoi_var], [gdoi_cv_ldflag_$1])
  AC_CACHE_CHECK([whether $CC links with $1], [gdoi_var], [
    gdoi_save_CFLAGS=$CFLAGS
    gdoi_save_LDFLAGS=$LDFLAGS
    CFLAGS="$CFLAGS $GV_CFLAGS"
    LDFLAGS="$LDFLAGS $GV_LDFLAGS $1"
    AC_LINK_IFELSE([AC_LANG_PROGRAM([], [[return 0;]])],
      [AS_VAR_SET([gdoi_var], [yes])], [AS_VAR_SET([gdoi_var], [no])])
    CFLAGS=$gdoi_save_CFLAGS
    LDFLAGS=$gdoi_save_LDFLAGS])
  AS_VAR_IF([gdoi_var], [yes],
    [m4_default([$2], [GV_LDFLAGS="$GV_LDFLAGS $1"])], [$3])
  AS_VAR_POPDEF([gdoi_var])
])
