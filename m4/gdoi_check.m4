# gdoi_check.m4 -- the Check unit test framework (optional).
#
# --with-check=auto|yes|no (default auto).  Without Check everything still
# builds; `make check' then fails in tests/unit with a message saying why.
# Sets CHECK_CFLAGS, CHECK_LIBS, AM_CONDITIONAL HAVE_CHECK, gdoi_have_CHECK.

AC_DEFUN([GDOI_CHECK], [
  AC_ARG_WITH([check],
    [AS_HELP_STRING([--with-check@<:@=auto|yes|no@:>@],
      [build the unit tests with Check @<:@default=auto@:>@])],
    [], [with_check=auto])
  gdoi_have_CHECK=no
  AS_IF([test "x$with_check" != xno], [
    PKG_CHECK_MODULES([CHECK], [check >= 0.11.0], [
      gdoi_have_CHECK=yes
      gdoi_version_CHECK=`$PKG_CONFIG --modversion check 2>/dev/null`
    ], [
      AS_IF([test "x$with_check" = xyes],
        [AC_MSG_ERROR([Check >= 0.11.0 not found (Debian package: check)
$CHECK_PKG_ERRORS])])
      AC_MSG_WARN([Check not found: unit tests will fail under `make check'])
    ])
  ])
  AM_CONDITIONAL([HAVE_CHECK], [test "x$gdoi_have_CHECK" = xyes])
])
