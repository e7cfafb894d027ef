"""The HMS domain: deviations, corrective actions, risk assessments and the directory.

Knows nothing of HTTP, SQL or templates.
"""
