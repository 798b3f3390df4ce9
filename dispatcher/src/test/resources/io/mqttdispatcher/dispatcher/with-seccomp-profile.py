"""Runs a command under a seccomp profile in the format Docker, containerd and Kubernetes read
(defaultAction, defaultErrnoRet, syscalls[].names with SCMP_ACT_ALLOW), as a container runtime
would apply it. Only what deploy/seccomp's profiles use is understood; anything else stops here.

usage: python3 with-seccomp-profile.py PROFILE.json COMMAND [ARG...]   (needs python3-seccomp)
"""
import json
import os
import sys

import seccomp

if len(sys.argv) < 3:
    sys.exit("usage: with-seccomp-profile.py PROFILE.json COMMAND [ARG...]")
with open(sys.argv[1]) as f:
    profile = json.load(f)
if profile["defaultAction"] != "SCMP_ACT_ERRNO":
    sys.exit("only defaultAction SCMP_ACT_ERRNO is understood")
flt = seccomp.SyscallFilter(defaction=seccomp.ERRNO(profile.get("defaultErrnoRet", 1)))
for rule in profile["syscalls"]:
    if rule["action"] != "SCMP_ACT_ALLOW" or set(rule) - {"names", "action", "comment"}:
        sys.exit("only unconditional SCMP_ACT_ALLOW rules are understood: %r" % rule)
    for name in rule["names"]:
        flt.add_rule(seccomp.ALLOW, name)
flt.load()
os.execvp(sys.argv[2], sys.argv[2:])
