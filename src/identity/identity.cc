// Placeholder translation unit until IAM and STS land.
