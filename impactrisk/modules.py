"""From a validated module specification (:class:`impactrisk.io.modules.ModuleSpec`) to
the :class:`~impactrisk.assessment.ModuleModel` the chain integrates: surfaces and
ballistic limits from :mod:`impactrisk.geometry`, and each stay's orientation (port,
clocking). No I/O: the specification is read by :mod:`impactrisk.io.modules`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from impactrisk.assessment import ModuleModel, Stay
from impactrisk.errors import InputError
from impactrisk.geometry import (
    band_facets,
    combine,
    cylinder_band,
    disk,
    flat_facets,
    flat_panel,
    radiator,
    single_wall_shield,
    tube,
    vehicle_to_body,
    whipple_shield,
)
from impactrisk.timegrid import julian_date

__all__ = ["CRITERIA", "module_model"]

#: What counts as a failure: the coolant channels' wall perforated (``leak``), its
#: detached spall (``spall``), or the radiator panel perforated (``perforation``; the
#: channels are then reported beside it).
CRITERIA = ("leak", "spall", "perforation")
_WALL_CRITERION = {"leak": "perforation", "spall": "detached-spall", "perforation": "perforation"}
#: Facets of a radiator band (10 deg each; faceted projected areas within 0.25 %).
BAND_FACETS = 36


def _value(shield, key):
    return shield[key].value


def _shield(name: str, spec, criterion: str):
    kind = spec["type"]
    if kind == "single-wall":
        wall_criterion = spec["criterion"].value if "criterion" in spec else _WALL_CRITERION[criterion]
        return single_wall_shield(name, _value(spec, "wall_mm"), _value(spec, "material"),
                                  criterion=wall_criterion)
    if kind == "whipple":
        return whipple_shield(name, _value(spec, "bumper_mm"), _value(spec, "rear_wall_mm"),
                              _value(spec, "standoff_mm"), _value(spec, "rear_wall_material"),
                              bumper_material=_value(spec, "bumper_material"))
    raise InputError(f"shield {name!r}: type {kind!r} cannot protect a plain surface")


def _radiator(surface, spec, criterion: str):
    kind = surface["type"]
    if kind == "radiator-band":
        panel = band_facets(surface["axis"], surface["radius_m"], surface["length_m"],
                            facets=BAND_FACETS, arc_deg=tuple(surface["arc_deg"]))
    else:
        panel = flat_facets(surface["normal"], surface["area_m2"])
        if surface.get("two_sided"):
            back = flat_facets(tuple(-np.asarray(surface["normal"], dtype=float)), surface["area_m2"])
            panel = panel._replace(normals_body=np.vstack([panel.normals_body, back.normals_body]),
                                   area_m2=np.concatenate([panel.area_m2, back.area_m2]))
    made = radiator(
        surface["name"], panel,
        facesheet_mm=_value(spec, "facesheet_mm"), wall_mm=_value(spec, "wall_mm"),
        gap_mm=_value(spec, "gap_mm"), channel_fraction=_value(spec, "channel_fraction"),
        channel_diameter_mm=_value(spec, "channel_diameter_mm"),
        channel_axis=_value(spec, "channel_axis"), material=_value(spec, "material"),
        criterion=_WALL_CRITERION[criterion])
    if criterion == "perforation":
        # The panel's perforation is the failure; the channels are shown beside it.
        made = replace(made, role=tuple("reported" if r == "vulnerable" else "vulnerable" for r in made.role))
    return made


def module_model(spec, *, criterion: str = "leak") -> ModuleModel:
    """Build the chain's view of a module from its specification.

    Parameters
    ----------
    spec : impactrisk.io.modules.ModuleSpec
        Validated specification (with any overrides applied).
    criterion : {"leak", "spall", "perforation"}
        What counts as a failure (see :data:`CRITERIA`).
    """
    if criterion not in CRITERIA:
        raise InputError(f"unknown criterion {criterion!r}; expected one of {', '.join(CRITERIA)} "
                         "(or hole>=D, e.g. hole>=0.8mm)")
    parts = []
    for surface in spec.surfaces:
        shield_spec = spec.shields[surface["shield"]]
        kind = surface["type"]
        if kind.startswith("radiator-"):
            parts.append(_radiator(surface, shield_spec, criterion))
            continue
        shield = _shield(surface["shield"], shield_spec, criterion)
        role = surface.get("role") or "vulnerable"
        if kind == "flat":
            made = flat_panel(surface["name"], surface["normal"], surface["area_m2"], shield)
            if surface.get("two_sided"):
                made = combine(made, flat_panel(surface["name"] + "/back",
                                                tuple(-np.asarray(surface["normal"], dtype=float)),
                                                surface["area_m2"], shield))
        elif kind == "disk":
            made = disk(surface["name"], surface["normal"], surface["radius_m"], shield)
        elif kind == "cylinder-band":
            made = cylinder_band(surface["name"], surface["axis"], surface["radius_m"], surface["length_m"],
                                 shield, arc_deg=tuple(surface["arc_deg"]))
        elif kind == "tube":
            made = tube(surface["name"], surface["axis"], surface["length_m"], surface["outer_diameter_m"],
                        shield, facing=surface.get("facing"), half=bool(surface.get("half")))
        else:
            raise InputError(f"surface {surface['name']!r}: unknown type {kind!r}")
        parts.append(replace(made, role=tuple(role for _ in made.role)))
    surfaces = combine(*parts)
    clocking = float(spec.clocking_deg.value)
    stays = tuple(
        Stay(port=s.port,
             start_jd=julian_date(s.start),
             end_jd=None if s.end is None else julian_date(s.end),
             vehicle_to_body=vehicle_to_body(s.port, clocking),
             source=s.source, uncertain=s.uncertain, optional=s.optional, note=s.note)
        for s in spec.exposure)
    assumptions = tuple({"key": key, "value": value, "reasoning": reason}
                        for key, value, reason in spec.assumptions())
    event = spec.event.to_dict() if spec.event is not None else None
    return ModuleModel(spec.name, spec.vehicle, surfaces, stays, assumptions, spec.content_hash(),
                       event, spec.description)
