"""Environment models: pure, vectorised particle-flux functions with no file access.

Size spectra and the non-directional near-Earth factors live in
:mod:`.meteoroid` (Grün 1985, TM-4527 density classes, Earth shielding, gravitational
focusing, the TM-4527/SSP 30425 speed distribution) and :mod:`.debris_spectra` (Kessler
NASA-90/91, ORDEM2000 numbers of the NASA MMOD Handbook); :mod:`.solar_flux` provides
the F10.7 input of the debris model and :mod:`.parameters` the published parameter
sets, each with its reference.
"""
