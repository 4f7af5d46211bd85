# gdoi_libmnl.m4 -- libmnl for netlink/XFRM (optional).
#
# --with-libmnl=auto|yes|no (default auto).  Sets LIBMNL_CFLAGS,
# LIBMNL_LIBS, HAVE_LIBMNL (config.h and AM_CONDITIONAL), gdoi_have_LIBMNL.

AC_DEFUN([GDOI_LIBMNL], [
  AC_ARG_WITH([libmnl],
    [AS_HELP_STRING([--with-libmnl@<:@=auto|yes|no@:>@],
      [use libmnl for netlink (XFRM) @<:@default=auto@:>@])],
    [], [with_libmnl=auto])
  gdoi_have_LIBMNL=no
  AS_IF([test "x$with_libmnl" != xno], [
    PKG_CHECK_MODULES([LIBMNL], [libmnl >= 1.0], [
      gdoi_have_LIBMNL=yes
      gdoi_version_LIBMNL=`$PKG_CONFIG --modversion libmnl 2>/dev/null`
      AC_DEFINE([HAVE_LIBMNL], [1], [Define to 1 if libmnl is available.])
    ], [
      AS_IF([test "x$with_libmnl" = xyes],
        [AC_MSG_ERROR([libmnl not found (Debian package: libmnl-dev)
$LIBMNL_PKG_ERRORS])])
    ])
  ])
  AM_CONDITIONAL([HAVE_LIBMNL], [test "x$gdoi_have_LIBMNL" = xyes])
])
