"""`make load`: a production-like stack on loopback and simulated applicants against it.

stack.py starts and removes the processes, smtp_sink.py is the mail server the applicants
read their links from, journey.py is what each person does, report.py what is printed.
"""
