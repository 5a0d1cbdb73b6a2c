"""Plate pictures with OpenCV: safe decoding, plate colour, plate location, image quality, evidence.

Pure image code: no Flask, no database. The ingest path, the CLI and the evaluation script call it.
"""
