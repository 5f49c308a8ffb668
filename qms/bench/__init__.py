"""The benchmark (issue 14): datasets of a commune, a province and the country, built in bulk, and what each view costs."""
