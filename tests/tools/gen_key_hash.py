#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Regenerate KEY_HASH and k_key_slot of core/src/drip_event.c after a key
was added to DRIP_KEYS: tries random odd multipliers (seeded: argv[1], default
1) until the top 7 bits of (b0 | b[n-2] << 8 | n << 16 | b[n-1] << 24) * MUL
differ for every name; prints the multiplier and the 128-entry table."""
import re,random,sys
import os
src=open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'core', 'src', 'drip_event.c')).read()
m=re.search(r'#define DRIP_KEYS\(X\)(.*?)\n\nenum',src,re.S)
names=re.findall(r'X\(\w+, "([^"]+)"\)',m.group(1))
print(len(names),names[-3:])
def h(n,mul):
    b=n.encode(); L=len(b)
    x=b[0]|b[L-2]<<8|L<<16|b[L-1]<<24
    return ((x*mul)&0xffffffff)>>25
random.seed(int(sys.argv[1]) if len(sys.argv)>1 else 1)
for t in range(10000000):
    mul=random.getrandbits(32)|1
    s=set()
    ok=True
    for n in names:
        v=h(n,mul)
        if v in s: ok=False;break
        s.add(v)
    if ok:
        slot=[0]*128
        for i,n in enumerate(names): slot[h(n,mul)]=i+1
        print("0x%08Xu"%mul, t)
        rows=[", ".join(str(v) for v in slot[r*16:(r+1)*16]) for r in range(8)]
        print(",\n    ".join(rows))
        break
