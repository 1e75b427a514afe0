mod appointments;
mod callbacks;
mod import_consumption;
mod import_customers;
mod init_and_today;
mod nothing_lost;
mod report;
mod tiers;
