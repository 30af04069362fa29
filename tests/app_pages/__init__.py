"""Every page through Streamlit's AppTest."""
