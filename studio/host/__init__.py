"""The runtime host: live cases of deployed model projects on the store, with their children."""
