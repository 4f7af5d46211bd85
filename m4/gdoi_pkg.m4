# gdoi_pkg.m4 -- required dependencies found through pkg-config.
#
# GDOI_PKG_REQUIRE(VAR, MODULE, MIN-VERSION, DEBIAN-PACKAGE)
#   PKG_CHECK_MODULES(VAR, MODULE >= MIN-VERSION) that stops configure with
#   a hint naming the Debian package.  Sets VAR_CFLAGS, VAR_LIBS and
#   gdoi_version_VAR (for the summary).

AC_DEFUN([GDOI_PKG_REQUIRE], [
  m4_ifndef([PKG_CHECK_MODULES],
    [m4_fatal([pkg.m4 not found: install pkg-config (make deps), then autoreconf -fi])])
  PKG_CHECK_MODULES([$1], [$2 >= $3], [
    gdoi_version_$1=`$PKG_CONFIG --modversion $2 2>/dev/null`
  ], [
    AC_MSG_ERROR([$2 >= $3 not found (Debian package: $4; `make deps' installs it)
$$1_PKG_ERRORS])
  ])
])
