// EUSReport: see README.md, "Design".
