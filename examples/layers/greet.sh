#!/bin/sh
# Prints the greeting of /etc/app/app.conf. The base has no shell: this file
# is here to show an executable's mode in the listing, not to be run.
sed -n 's/^greeting = //p' /etc/app/app.conf
