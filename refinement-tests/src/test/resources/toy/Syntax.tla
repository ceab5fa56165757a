---- MODULE Syntax ----
VARIABLE x
Init == x =
Next == x' = x
====
