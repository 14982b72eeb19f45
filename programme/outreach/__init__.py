"""Training and outreach events with their participants and materials, policies and
regulations, and incentives granted to enterprises."""
