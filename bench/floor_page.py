"""BASELINE, not a Budget Lens page: the least a Streamlit page can be (one st.metric, no data,
no pandas or plotly). S3 starts it exactly like app.py: its time to the first card drawn is the
floor of `streamlit run` plus Chromium loading Streamlit's front end on this machine."""

import streamlit as st

st.metric("基线", "1")
