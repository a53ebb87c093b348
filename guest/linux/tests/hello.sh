#!/bin/sh
# hvtest=hello: the quickest Linux boot check, one PASS line once /init runs.
echo "PASS: hello from linux"
