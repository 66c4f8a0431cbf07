/* bb_package.h: the plugin's names and version (log prefix, Janus plugin table). */
#ifndef BB_PACKAGE_H
#define BB_PACKAGE_H

#define BB_PACKAGE "janus.plugin.buergerbuero"
#define BB_NAME "Bürgerbüro"
#define BB_VERSION 2
#define BB_VERSION_STRING "0.2.0"

#endif
