#!/bin/sh
# hvtest=dmesg: the kernel's log, printed once /init has written marker 1 (so
# not inside the boot span tools/bench-linux.sh measures), for telling where
# two boots of the same kernel spent their time.
dmesg
