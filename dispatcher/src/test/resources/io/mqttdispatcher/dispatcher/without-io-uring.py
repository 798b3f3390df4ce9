"""Runs a command with the io_uring system calls refused, as Docker's and containerd's default
seccomp profiles refuse them since 2023 (moby/moby#46762, containerd#9048): io_uring_setup,
io_uring_enter and io_uring_register fail with EPERM, everything else is allowed.

usage: python3 without-io-uring.py COMMAND [ARG...]   (needs python3-seccomp)
"""
import errno
import os
import sys

import seccomp

if len(sys.argv) < 2:
    sys.exit("usage: without-io-uring.py COMMAND [ARG...]")
f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
for call in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
    f.add_rule(seccomp.ERRNO(errno.EPERM), call)
f.load()  # inherited by the command and every thread it starts
os.execvp(sys.argv[1], sys.argv[1:])
