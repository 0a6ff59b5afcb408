// EUSGradCAM: see README.md, "Design".
