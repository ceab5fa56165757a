---- MODULE Old ----
\* A module in a sub-folder that extends a module of the spec folder (found through TLA-Library).
EXTENDS Counter
OldTypeOK == TypeOK
====
