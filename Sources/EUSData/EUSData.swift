// EUSData: see README.md, "Design".
