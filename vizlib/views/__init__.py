"""What people look at: plotly figures, HTML fragments and the notebook widget.

Figures and fragments take frames or analysis records, never paths; the
widget and the report compose them.
"""
