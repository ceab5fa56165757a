---- MODULE Abstract ----
\* The abstract spec: usage only ever grows.
EXTENDS Naturals
VARIABLE usage
AInit == usage = 0
ANext == usage' = usage + 1
ASpec == AInit /\ [][ANext]_usage
====
