"""Travel time: a documented estimate by default, a real router where one is deployed."""
