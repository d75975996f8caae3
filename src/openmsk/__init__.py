"""OpenMSK: a whole-person digital clinic for musculoskeletal pain."""

__version__ = "0.1.0"
