mod callbacks;
mod import_consumption;
mod import_customers;
mod init_and_today;
mod report;
mod tiers;
