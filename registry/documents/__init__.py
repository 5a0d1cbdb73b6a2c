"""A truck's documents (车辆证件): driving licence (行驶证) front and back and the environmental information
list (环保信息随车清单), uploaded as photos and reviewed against the vehicle's VIN, engine number,
registration date and emission stage; a review that agrees marks the stage verified."""
