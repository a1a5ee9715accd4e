# pending cases
