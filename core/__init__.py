"""The engine of Deep Learning Notes Lab: numpy/torch only, never streamlit or altair.

Every formula a page shows is computed here and tested without a UI.
"""
