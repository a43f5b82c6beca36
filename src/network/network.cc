// Placeholder translation unit until the EC2 networking model lands.
