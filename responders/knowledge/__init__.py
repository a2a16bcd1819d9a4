"""The knowledge responder: talks about the entities the user brings up and answers simple
factual questions from the knowledge store (knowledge/)."""
