"""典型案例, 通报表扬 and policy pages: what the province publishes about the programme (政策 四(四))."""
